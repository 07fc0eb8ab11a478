"""Shared plumbing every app may use; it imports no app."""
