"""index stage of budgetqa."""
