"""Val Town: the REST API v2 client and the exporter (the API facts are in
../shared/reference/valtown-api.md)."""
