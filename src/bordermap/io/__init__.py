"""Readers and writers; nothing here decides what data means."""
