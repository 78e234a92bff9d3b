"""The Entities dock, its dialogs, and the offer to create an entity for a tagged span."""
