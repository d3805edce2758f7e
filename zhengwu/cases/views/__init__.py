"""The cases app's pages: applying (apply), the flowchart (flow), its editor (process), handling (staff)."""
