"""Facebook Pages through the Graph API (also the home of Graph error codes and Facebook Login)."""
