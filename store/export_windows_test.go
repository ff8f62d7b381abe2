package store

// PrivateDescriptor is the SDDL Tokentray applies to its folders and files.
var PrivateDescriptor = privateDescriptor
