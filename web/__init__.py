"""HTTP: GraphQL over HTTP, pages and downloads."""
