"""Health checks for the process supervisor and the load balancer: /healthz and /readyz."""
