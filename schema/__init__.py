"""The GraphQL schema of regkg."""
