"""eval stage of budgetqa."""
