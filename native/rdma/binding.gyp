{
  # libibverbs / librdmacm are dlopened at run time (src/dl.cc), never linked: the app must load on
  # machines without rdma-core. Only their headers are needed at build time.
  "targets": [
    {
      "target_name": "rdma",
      "sources": ["src/addon.cc", "src/dl.cc", "src/errors.cc", "src/devices.cc", "src/buffer.cc", "src/endpoint.cc", "src/workers.cc", "src/connection.cc"],
      "include_dirs": ["<!(node -p \"require('node-addon-api').include_dir\")"],
      "dependencies": ["<!(node -p \"require('node-addon-api').targets\"):node_addon_api_except"],
      "cflags_cc": ["-std=c++17", "-Wall", "-Wextra"],
      "libraries": ["-ldl"],
      "xcode_settings": { "CLANG_CXX_LANGUAGE_STANDARD": "c++17", "GCC_ENABLE_CPP_EXCEPTIONS": "YES" }
    }
  ]
}
