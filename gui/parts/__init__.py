"""The window's logic that needs no Tk (tested without a display): models, settings, rates, history."""
