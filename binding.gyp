# Build of the native kernel addon (native/): `node-gyp rebuild`, run by scripts/build-native.mjs at
# npm install. The kernels are a static library compiled with AVX2/FMA; the Node-API glue (addon.cc)
# is compiled without them and checks the CPU before exporting any kernel.
{
  "targets": [
    {
      "target_name": "scratchpad_kernels",
      "type": "static_library",
      "sources": ["native/gemm.cc", "native/attention.cc", "native/pointwise.cc", "native/threadpool.cc"],
      "cflags_cc!": ["-fno-exceptions", "-std=gnu++17"],
      "cflags_cc": ["-std=gnu++20", "-O3", "-mavx2", "-mfma", "-fPIC", "-fno-math-errno"],
      "cflags!": ["-O2"],
      "xcode_settings": {
        "OTHER_CPLUSPLUSFLAGS": ["-std=gnu++20", "-O3", "-mavx2", "-mfma"],
        "GCC_ENABLE_CPP_EXCEPTIONS": "YES"
      }
    },
    {
      "target_name": "scratchpad_native",
      "sources": ["native/addon.cc"],
      "dependencies": ["scratchpad_kernels"],
      "cflags_cc!": ["-fno-exceptions", "-std=gnu++17"],
      "cflags_cc": ["-std=gnu++20", "-O2"],
      "libraries": ["-lpthread"],
      "xcode_settings": {
        "OTHER_CPLUSPLUSFLAGS": ["-std=gnu++20"],
        "GCC_ENABLE_CPP_EXCEPTIONS": "YES"
      }
    }
  ]
}
