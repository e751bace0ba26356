"""The environment families (installed as ``safety_gym.envs``): one module per family.

Importing this package registers every family with Gymnasium.
"""

from safety_gym.envs import blackmail, oversight_subversion, test_tampering

__all__ = ["blackmail", "oversight_subversion", "test_tampering"]
