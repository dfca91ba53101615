"""LinkedIn organisation pages through the versioned Community Management (REST) APIs."""
