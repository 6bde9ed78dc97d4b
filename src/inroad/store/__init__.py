"""Intent-named queries by area. Functions take a Session and never commit."""
