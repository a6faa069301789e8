"""Generated documentation: component inputs/outputs tables and the architecture diagrams."""
