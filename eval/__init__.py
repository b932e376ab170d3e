"""Retrieval evaluation: labeled sets, a temporary index, runs per mode and direction, metrics, reports."""
