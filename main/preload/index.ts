// Placeholder: the typed preload bridge lands with the desktop shell issue.
export {};
