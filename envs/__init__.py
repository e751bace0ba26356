from safety_gym.envs import blackmail
