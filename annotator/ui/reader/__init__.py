"""The reader pane: the article, its highlights, find, and moving a span's ends."""
