"""Model backends. One module per backend; see registry.py for how they are found."""
