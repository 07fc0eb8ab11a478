"""Listeners: likes, listening history, taste profiles and personal ("For you") recommendations."""
