// server/store/object.cc
// -----------------------------------------------------------------------------
// Type names.
#include "store/object.h"

namespace cacheforge {

const char* TypeName(ValueType type) {
  switch (type) {
    case ValueType::kString:
      return "string";
    case ValueType::kList:
      return "list";
    case ValueType::kHash:
      return "hash";
    case ValueType::kSet:
      return "set";
    case ValueType::kZset:
      return "zset";
  }
  return "none";
}

}  // namespace cacheforge
