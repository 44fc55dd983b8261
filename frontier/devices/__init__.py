"""Devices: mobile exploration sessions and progressive-web-app feature usage."""
