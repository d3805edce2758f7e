"""Site health (网站健康检查) for staff: the national website inspection rules, applied to our own data."""
