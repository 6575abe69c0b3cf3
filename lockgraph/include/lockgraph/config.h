// lockgraph/config.h
// -----------------------------------------------------------------------------
// Compile-time switch for the detector.
//
// LOCKGRAPH_ON is 1 when the wrappers feed the runtime lock-order detector and 0
// when every wrapper is its plain standard type (same size, same code). It is 0
// when LOCKGRAPH_DISABLE is defined (the CMake package built with -DLOCKGRAPH=OFF
// defines it for its consumers; a user may also define it for release builds).
//
// The two variants live in different inline namespaces, so linking a translation
// unit built with the detector against one built without it fails at link time
// instead of silently mixing object layouts.
#ifndef LOCKGRAPH_CONFIG_H_
#define LOCKGRAPH_CONFIG_H_

#if defined(LOCKGRAPH_DISABLE)
#define LOCKGRAPH_ON 0
#define LOCKGRAPH_ABI_NAMESPACE plain
#else
#define LOCKGRAPH_ON 1
#define LOCKGRAPH_ABI_NAMESPACE checked
#endif

#endif  // LOCKGRAPH_CONFIG_H_
