"""Runs Val Town HTTP vals on this machine under Deno, offline, with Val Town's standard
library replaced by local shims (resources/deno/)."""
