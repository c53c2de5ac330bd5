"""ui stage of budgetqa."""
