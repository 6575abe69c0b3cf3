// ELF linkage; see elf_linkage.h. Every offset read from the file is checked
// against the file's size before use: a corrupt or hostile file gets an
// error, never an out-of-bounds read.
#include "elf_linkage.h"

#include <elf.h>
#include <fcntl.h>
#include <sys/stat.h>
#include <unistd.h>

#include <cerrno>
#include <cstdint>
#include <cstring>

namespace lockgraph::analyzer {
namespace {

// The 32- and 64-bit layouts, so the walk below is written once.
struct Elf32 {
  using Ehdr = Elf32_Ehdr;
  using Phdr = Elf32_Phdr;
  using Dyn = Elf32_Dyn;
};
struct Elf64 {
  using Ehdr = Elf64_Ehdr;
  using Phdr = Elf64_Phdr;
  using Dyn = Elf64_Dyn;
};

class File {
 public:
  explicit File(int fd, uint64_t size) : fd_(fd), size_(size) {}
  // Reads exactly `n` bytes at `offset`; false when they are not all in the file.
  bool Read(uint64_t offset, void* out, uint64_t n) const {
    if (offset > size_ || n > size_ - offset) return false;
    return pread(fd_, out, n, static_cast<off_t>(offset)) == static_cast<ssize_t>(n);
  }
  // A NUL-terminated string at `offset`, at most `limit` bytes.
  bool ReadString(uint64_t offset, uint64_t limit, std::string* out) const {
    out->clear();
    char c;
    for (uint64_t i = 0; i < limit && i < 4096; ++i) {
      if (!Read(offset + i, &c, 1)) return false;
      if (c == '\0') return true;
      out->push_back(c);
    }
    return false;
  }

 private:
  int fd_;
  uint64_t size_;
};

template <typename E>
bool Walk(const File& file, const std::string& path, ElfLinkage* linkage, std::string* error) {
  typename E::Ehdr eh;
  auto corrupt = [&](const char* what) {
    *error = path + ": corrupt ELF file (" + what + ")";
    return false;
  };
  if (!file.Read(0, &eh, sizeof eh)) return corrupt("header cut short");
  if (eh.e_phentsize != sizeof(typename E::Phdr) || eh.e_phnum == 0 || eh.e_phnum == PN_XNUM) {
    return corrupt("no usable program headers");
  }
  std::vector<typename E::Phdr> phdrs(eh.e_phnum);
  for (size_t i = 0; i < phdrs.size(); ++i) {
    if (!file.Read(eh.e_phoff + i * sizeof(typename E::Phdr), &phdrs[i], sizeof phdrs[i])) {
      return corrupt("program header outside the file");
    }
  }
  const typename E::Phdr* dynamic = nullptr;
  linkage->kind = ElfLinkage::Kind::kStatic;
  for (const auto& ph : phdrs) {
    if (ph.p_type == PT_INTERP) {
      if (!file.ReadString(ph.p_offset, ph.p_filesz, &linkage->interpreter)) {
        return corrupt("unreadable PT_INTERP");
      }
      linkage->kind = ElfLinkage::Kind::kDynamic;
    } else if (ph.p_type == PT_DYNAMIC) {
      dynamic = &ph;
    }
  }
  if (dynamic == nullptr) return true;
  // DT_STRTAB is an address: find the file offset of the segment holding it.
  std::vector<typename E::Dyn> entries;
  uint64_t strtab_addr = 0, strtab_size = 0;
  bool has_strtab = false;
  for (uint64_t off = 0; off + sizeof(typename E::Dyn) <= dynamic->p_filesz;
       off += sizeof(typename E::Dyn)) {
    typename E::Dyn d;
    if (!file.Read(dynamic->p_offset + off, &d, sizeof d)) return corrupt("PT_DYNAMIC cut short");
    if (d.d_tag == DT_NULL) break;
    if (d.d_tag == DT_STRTAB) {
      strtab_addr = d.d_un.d_ptr;
      has_strtab = true;
    } else if (d.d_tag == DT_STRSZ) {
      strtab_size = d.d_un.d_val;
    } else if (d.d_tag == DT_NEEDED) {
      entries.push_back(d);
    }
  }
  if (entries.empty()) return true;
  if (!has_strtab) return corrupt("DT_NEEDED without DT_STRTAB");
  uint64_t strtab_offset = 0;
  bool mapped = false;
  for (const auto& ph : phdrs) {
    if (ph.p_type == PT_LOAD && strtab_addr >= ph.p_vaddr &&
        strtab_addr - ph.p_vaddr < ph.p_filesz) {
      strtab_offset = ph.p_offset + (strtab_addr - ph.p_vaddr);
      mapped = true;
      break;
    }
  }
  if (!mapped) return corrupt("DT_STRTAB outside every loaded segment");
  for (const auto& d : entries) {
    std::string name;
    const uint64_t at = d.d_un.d_val;
    if (strtab_size != 0 && at >= strtab_size) return corrupt("DT_NEEDED outside DT_STRTAB");
    if (!file.ReadString(strtab_offset + at, strtab_size ? strtab_size - at : 4096, &name)) {
      return corrupt("unreadable DT_NEEDED name");
    }
    linkage->needed.push_back(std::move(name));
  }
  return true;
}

}  // namespace

bool InspectElf(const std::string& path, ElfLinkage* linkage, std::string* error) {
  *linkage = ElfLinkage{};
  int fd = open(path.c_str(), O_RDONLY | O_CLOEXEC);
  if (fd < 0) {
    *error = path + ": " + std::strerror(errno);
    return false;
  }
  struct stat st;
  if (fstat(fd, &st) != 0 || !S_ISREG(st.st_mode)) {
    *error = path + ": not a regular file";
    close(fd);
    return false;
  }
  File file(fd, static_cast<uint64_t>(st.st_size));
  unsigned char ident[EI_NIDENT];
  bool ok = true;
  if (!file.Read(0, ident, SELFMAG) || std::memcmp(ident, ELFMAG, SELFMAG) != 0) {
    linkage->kind = ElfLinkage::Kind::kNotElf;
  } else if (!file.Read(0, ident, sizeof ident)) {
    *error = path + ": corrupt ELF file (header cut short)";
    ok = false;
  } else {
    const bool host_little = __BYTE_ORDER__ == __ORDER_LITTLE_ENDIAN__;
    const bool file_little = ident[EI_DATA] == ELFDATA2LSB;
    if (host_little != file_little) {
      *error = path + ": an ELF file for another byte order (not for this machine)";
      ok = false;
    } else if (ident[EI_CLASS] == ELFCLASS64) {
      ok = Walk<Elf64>(file, path, linkage, error);
    } else if (ident[EI_CLASS] == ELFCLASS32) {
      ok = Walk<Elf32>(file, path, linkage, error);
    } else {
      *error = path + ": corrupt ELF file (unknown class)";
      ok = false;
    }
  }
  close(fd);
  return ok;
}

bool NeedsLibcOrPthread(const std::vector<std::string>& needed) {
  for (const std::string& n : needed) {
    if (n.starts_with("libc.so") || n.starts_with("libpthread.so") || n.starts_with("libc.musl")) {
      return true;
    }
  }
  return false;
}

}  // namespace lockgraph::analyzer
