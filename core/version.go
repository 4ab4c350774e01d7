package core

// Version is entrena's release, the same in the C header
// (ENTRENA_VERSION_STRING) and the Python package (entrena.__version__).
const Version = "0.1.0"
