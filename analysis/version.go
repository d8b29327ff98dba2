package analysis

// Version is the tool version; it also keys on-disk caches.
const Version = "0.1.0"
