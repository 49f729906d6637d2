"""The raw lake's contract (layout, columns, types, writer options) and its one hour-file writer."""
