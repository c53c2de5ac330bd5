"""qa stage of budgetqa."""
