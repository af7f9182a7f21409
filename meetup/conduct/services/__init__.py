"""What people do when the code of conduct is broken: attendees report and
block, hosts moderate (dismiss, warn, ban, lift), site admins publish new
versions of the code."""
