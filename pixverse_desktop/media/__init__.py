"""Media helpers below the ui: thumbnails (on demand, cached) and local file probing. No widgets."""
