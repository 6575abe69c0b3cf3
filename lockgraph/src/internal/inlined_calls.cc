#include "internal/inlined_calls.h"

#include <dwarf.h>
#include <elfutils/libdw.h>

#include <algorithm>
#include <cstddef>
#include <cstdlib>
#include <cstring>
#include <iterator>

#include "internal/symbolizer.h"

namespace lockgraph::internal {

namespace {

// A malloc'd array of DIEs from libdw, freed on scope exit.
class ScopeArray {
 public:
  ScopeArray() = default;
  ~ScopeArray() { std::free(dies_); }
  ScopeArray(const ScopeArray&) = delete;
  ScopeArray& operator=(const ScopeArray&) = delete;

  Dwarf_Die** out() { return &dies_; }
  Dwarf_Die& operator[](int i) { return dies_[i]; }

 private:
  Dwarf_Die* dies_ = nullptr;
};

// The declaration that a function DIE stands for: an inlined instance points
// at its abstract instance, a definition at its declaration in the class or
// namespace that names it.
Dwarf_Die DeclarationOf(Dwarf_Die die) {
  for (int hops = 0; hops < 8; ++hops) {  // bounded: malformed DWARF may loop
    Dwarf_Attribute attr;
    Dwarf_Die next;
    if (dwarf_formref_die(dwarf_attr(&die, DW_AT_abstract_origin, &attr), &next) == nullptr &&
        dwarf_formref_die(dwarf_attr(&die, DW_AT_specification, &attr), &next) == nullptr) {
      break;
    }
    die = next;
  }
  return die;
}

std::string FunctionName(Dwarf_Die* die);

// How an enclosing namespace or class reads in a qualified name; "" for other
// scopes (lexical blocks).
std::string ScopePrefix(Dwarf_Die* scope, bool names_call_operator) {
  const char* name = dwarf_diename(scope);
  switch (dwarf_tag(scope)) {
    case DW_TAG_namespace:
      return name != nullptr ? name : "(anonymous namespace)";
    case DW_TAG_class_type:
    case DW_TAG_structure_type:
    case DW_TAG_union_type:
      if (name != nullptr) return name;
      // The unnamed class of a call operator is a lambda's closure.
      return names_call_operator ? "{lambda}" : "{unnamed type}";
    default:
      return {};
  }
}

// "ns::Class<T>::name" from the scopes enclosing the declaration, for the
// functions that have no linkage name: internal linkage (static, anonymous
// namespace, lambdas in them), C, some constructors.
std::string QualifiedName(Dwarf_Die* die) {
  const char* name = dwarf_diename(die);
  if (name == nullptr) return "??";
  std::string qualified = name;
  Dwarf_Die declaration = DeclarationOf(*die);
  ScopeArray scopes;
  const int n = dwarf_getscopes_die(&declaration, scopes.out());
  for (int i = 1; i < n; ++i) {
    if (dwarf_tag(&scopes[i]) == DW_TAG_subprogram) {
      // A local class or lambda: the enclosing function names the rest.
      return FunctionName(&scopes[i]) + "::" + qualified;
    }
    const std::string prefix =
        ScopePrefix(&scopes[i], i == 1 && std::strcmp(name, "operator()") == 0);
    if (!prefix.empty()) qualified = prefix + "::" + qualified;
  }
  return qualified;
}

// The demangled linkage name, as `addr2line -f -C` prints it; the linkage name
// sits on the abstract instance or the declaration, hence _integrate.
std::string FunctionName(Dwarf_Die* die) {
  for (int name_attr : {DW_AT_linkage_name, DW_AT_MIPS_linkage_name}) {
    Dwarf_Attribute attr;
    if (const char* linkage = dwarf_formstring(dwarf_attr_integrate(die, name_attr, &attr))) {
      return Demangle(linkage);
    }
  }
  return QualifiedName(die);
}

// Scopes that hold code and may hold inlined calls.
bool IsCodeScope(int tag) {
  return tag == DW_TAG_inlined_subroutine || tag == DW_TAG_lexical_block ||
         tag == DW_TAG_try_block || tag == DW_TAG_catch_block || tag == DW_TAG_with_stmt;
}

// Deeper nesting than this is malformed input, not code.
constexpr int kMaxScopeDepth = 256;

}  // namespace

void InlinedCallFinder::Collect(Dwarf_Die* parent, bool in_function,
                                std::vector<FunctionRange>* out, int depth) {
  Dwarf_Die child;
  if (depth > kMaxScopeDepth || dwarf_child(parent, &child) != 0) return;
  do {
    switch (dwarf_tag(&child)) {
      case DW_TAG_subprogram: {
        // A declaration has no ranges; a function split into hot and cold
        // parts has several.
        Dwarf_Addr base = 0, start = 0, end = 0;
        for (ptrdiff_t offset = 0;
             (offset = dwarf_ranges(&child, offset, &base, &start, &end)) > 0;) {
          out->push_back({start, end, child});
        }
        Collect(&child, /*in_function=*/true, out, depth + 1);
        break;
      }
      case DW_TAG_namespace:
        // GCC puts definitions at the top of the unit, clang in their namespace.
        Collect(&child, in_function, out, depth + 1);
        break;
      case DW_TAG_lexical_block:
      case DW_TAG_class_type:
      case DW_TAG_structure_type:
      case DW_TAG_union_type:
        // The members of a local class or lambda are defined inside the
        // enclosing function; elsewhere a class holds only declarations.
        if (in_function) Collect(&child, in_function, out, depth + 1);
        break;
      default:
        break;
    }
  } while (dwarf_siblingof(&child, &child) == 0);
}

const std::vector<InlinedCallFinder::FunctionRange>& InlinedCallFinder::FunctionsOf(
    Dwfl_Module* module, Dwarf_Die* cu) {
  auto [it, inserted] = functions_.try_emplace(std::make_pair(module, dwarf_dieoffset(cu)));
  if (inserted) {
    Collect(cu, /*in_function=*/false, &it->second, 0);
    std::sort(it->second.begin(), it->second.end(),
              [](const FunctionRange& a, const FunctionRange& b) { return a.low < b.low; });
  }
  return it->second;
}

std::vector<InlinedCall> InlinedCallFinder::At(Dwfl_Module* module, Dwarf_Addr address) {
  std::vector<InlinedCall> calls;
  Dwarf_Addr bias = 0;
  Dwarf_Die* cu = dwfl_module_addrdie(module, address, &bias);
  if (cu == nullptr) return calls;
  const Dwarf_Addr pc = address - bias;
  const std::vector<FunctionRange>& functions = FunctionsOf(module, cu);
  auto after = std::upper_bound(functions.begin(), functions.end(), pc,
                                [](Dwarf_Addr a, const FunctionRange& f) { return a < f.low; });
  if (after == functions.begin() || pc >= std::prev(after)->high) return calls;

  // Down the scopes that contain pc, from the out-of-line function to the
  // innermost inlined call.
  std::vector<Dwarf_Die> inlined;  // outermost first
  Dwarf_Die scope = std::prev(after)->die;
  for (int depth = 0; depth < kMaxScopeDepth; ++depth) {
    Dwarf_Die child;
    bool found = false;
    if (dwarf_child(&scope, &child) == 0) {
      do {
        found = IsCodeScope(dwarf_tag(&child)) && dwarf_haspc(&child, pc) > 0;
      } while (!found && dwarf_siblingof(&child, &child) == 0);
    }
    if (!found) break;
    if (dwarf_tag(&child) == DW_TAG_inlined_subroutine) inlined.push_back(child);
    scope = child;
  }

  Dwarf_Files* files = nullptr;
  if (dwarf_getsrcfiles(cu, &files, nullptr) != 0) files = nullptr;
  for (auto die = inlined.rbegin(); die != inlined.rend(); ++die) {
    InlinedCall call;
    call.function = FunctionName(&*die);
    Dwarf_Attribute attr;
    Dwarf_Word value = 0;
    if (files != nullptr &&
        dwarf_formudata(dwarf_attr(&*die, DW_AT_call_file, &attr), &value) == 0) {
      if (const char* file = dwarf_filesrc(files, value, nullptr, nullptr)) call.call_file = file;
    }
    if (dwarf_formudata(dwarf_attr(&*die, DW_AT_call_line, &attr), &value) == 0) {
      call.call_line = static_cast<int>(value);
    }
    calls.push_back(std::move(call));
  }
  return calls;
}

}  // namespace lockgraph::internal
