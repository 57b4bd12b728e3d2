# The native BLAS kernels (optdbg_native.c). Built by scripts/build-native.mjs; optional.
# No BLAS is linked (the addon dlopens one at run time), so only libdl is needed.
{
  "targets": [
    {
      "target_name": "optdbg_native",
      "sources": ["optdbg_native.c"],
      "defines": ["NAPI_VERSION=8"],
      # Strict IEEE float64 sums (bit-identical to the JS reference): never -ffast-math, no FMA contraction.
      "cflags": ["-std=c11", "-O3", "-fno-fast-math", "-ffp-contract=off", "-Wall", "-Wextra"],
      "conditions": [
        ["OS=='linux'", {"libraries": ["-ldl"]}],
        ["OS=='mac'", {
          "xcode_settings": {
            "OTHER_CFLAGS": ["-std=c11", "-fno-fast-math", "-ffp-contract=off"],
            "MACOSX_DEPLOYMENT_TARGET": "11.0"
          }
        }]
      ]
    }
  ]
}
