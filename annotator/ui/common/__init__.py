"""What every window part uses: colours, plain text, position mapping, worker threads, settings, item models."""
