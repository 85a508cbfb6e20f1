"""Order history models (the PynamoDB `WorkflowOrder` arrives with the order store issue)."""
