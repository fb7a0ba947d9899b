"""The shop project: settings, URLs and the helpers of the move migrations."""
