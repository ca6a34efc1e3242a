"""Identity tools over the restricted store: `oneid explain` and `oneid evaluate`."""
