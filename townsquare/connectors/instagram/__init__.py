"""Instagram professional accounts through the Graph API (Facebook Login): containers, then publish."""
