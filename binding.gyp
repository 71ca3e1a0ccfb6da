# MSVC build on real Windows (node-gyp). Must compile exactly the sources and defines of
# CMakeLists.txt's WINOPS_SOURCES / target_compile_definitions: scripts/wine/check-sources.mjs checks.
# node-gyp adds its own win_delay_load_hook.cc (the role native/host/delay_load_host.c plays for mingw).
# This file is JSON plus '#' comment lines so the check can read it.
# MSVC choices made here, against what Node's common.gypi sets for every addon (Node 20: ExceptionHandling 0, i.e.
# no /EH, _HAS_EXCEPTIONS=0, -std:c++17, /W3; Node 22: the same with -std:c++20; gyp's MSVSSettings: 0 = false,
# 1 = /EHsc): C++ exceptions on (ExceptionHandling 1 and _HAS_EXCEPTIONS=1 with Node's =0 removed, so that
# std::thread's std::system_error can be caught; NAPI_CPP_EXCEPTIONS, as node-addon-api's except.gypi sets, without
# its EnablePREfast); C++17 only, as LanguageStandard, with Node's -std: removed (the cross-build's standard, no
# D9025); /W4 /WX for our code, while everything included with <...> (node-addon-api, node_api.h, the Windows
# SDK) is external at warning level 0 (/external:anglebrackets /external:W0, VS 2019 16.10 or later). Our own
# headers are included with "..." and stay at /W4. RTTI on in Release too (Node's Release configuration says /GR-;
# the mingw build that the Wine suites test has RTTI). Node's msvs_disabled_warnings (C4244, C4267, ...) stay off.
# scripts/check-msvs.mjs generates the project and checks all this.
{
  "targets": [
    {
      "target_name": "winops",
      "sources": [
        "native/addon.cc",
        "native/common/apartment.cc",
        "native/common/dispatcher.cc",
        "native/common/hresult.cc",
        "native/common/instance.cc",
        "native/common/utf.cc",
        "native/common/worker.cc",
        "native/diag/diag.cc",
        "native/diag/system.cc",
        "native/imapi2/imapi2.cc",
        "native/imapi2/probe.cc",
        "native/imapi2/recorders.cc",
        "native/imapi2/source_stream.cc",
        "native/imapi2/update_sink.cc",
        "native/imapi2/write_job.cc",
        "native/imapi2/write_thread.cc",
        "native/imapi2/write.cc",
        "native/mi/backend.cc",
        "native/mi/operations.cc",
        "native/mi/probe.cc",
        "native/mi/sessions.cc",
        "native/mi/starter.cc",
        "native/mi/teardown.cc",
        "native/mi/values.cc",
        "native/vss/async.cc",
        "native/vss/backend.cc",
        "native/vss/com_security.cc",
        "native/vss/inventory.cc",
        "native/vss/mta_worker.cc",
        "native/vss/probe.cc",
        "native/vss/state.cc",
        "native/vss/threads.cc",
        "native/vss/vss_api.cc",
        "native/vss/wow64.cc",
        "native/vss/writers.cc"
      ],
      "include_dirs": [
        "native",
        "<!(node -p \"require('node-addon-api').include_dir\")"
      ],
      "defines": [
        "NAPI_VERSION=8",
        "NAPI_CPP_EXCEPTIONS",
        "NODE_ADDON_API_DISABLE_DEPRECATED",
        "UNICODE",
        "_UNICODE",
        "WIN32_LEAN_AND_MEAN",
        "NOMINMAX",
        "_WIN32_WINNT=0x0A00",
        "WINVER=0x0A00"
      ],
      "win_delay_load_hook": "true",
      "configurations": {
        "Release": { "msvs_settings": { "VCCLCompilerTool": { "RuntimeTypeInfo": "true" } } }
      },
      "variables": {
        "winops_axe_sdk%": "<!(node -p \"process.env.WINOPS_AXE_SDK || ''\")"
      },
      "conditions": [
        ["winops_axe_sdk==''",
          { "sources": ["native/axe/unavailable.cc"] },
          { "sources": ["native/axe/engine.cc", "native/axe/job.cc", "native/axe/load.cc", "native/axe/run.cc", "native/axe/teardown.cc"], "include_dirs": ["<(winops_axe_sdk)"], "defines": ["WINOPS_AXE_SDK"] }],
        ["OS=='win'", {
          "libraries": ["ole32.lib", "oleaut32.lib", "uuid.lib", "advapi32.lib"],
          "defines": ["_HAS_EXCEPTIONS=1"],
          "defines!": ["_HAS_EXCEPTIONS=0"],
          "msvs_settings": {
            "VCCLCompilerTool": {
              "ExceptionHandling": 1,
              "RuntimeTypeInfo": "true",
              "WarningLevel": 4,
              "WarnAsError": "true",
              "LanguageStandard": "stdcpp17",
              "AdditionalOptions!": ["-std:c++17", "-std:c++20", "/std:c++17", "/std:c++20"],
              "AdditionalOptions": ["/sdl", "/guard:cf", "/Qspectre", "/permissive-", "/utf-8",
                                    "/external:anglebrackets", "/external:W0"]
            },
            "VCLinkerTool": {
              "AdditionalOptions": ["/guard:cf", "/DYNAMICBASE", "/CETCOMPAT"]
            }
          }
        }]
      ]
    }
  ]
}
