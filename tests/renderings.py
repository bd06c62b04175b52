"""The renderings moved to synth/renderings.py (the corpus generator writes them too)."""

from synth.renderings import *  # noqa: F403
