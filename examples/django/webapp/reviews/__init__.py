"""The reviews app: reviews of books (moved to the reviews service)."""
