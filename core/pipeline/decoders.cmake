# The POS payload decoders (sale, refund, lookup) and what they need: pure
# code over nlohmann_json and the date library. Included by
# core/CMakeLists.txt, which the main build and tests/fuzz/CMakeLists.txt
# (the libFuzzer targets, built with clang) both add; a library of its own
# so that the decoders' targets link these three files and not the core.
# Expects the targets setia_domain and setia_warnings.
add_library(setia_pos_decoders STATIC
  ${CMAKE_CURRENT_LIST_DIR}/json_fields.cpp
  ${CMAKE_CURRENT_LIST_DIR}/sale_decoder.cpp
  ${CMAKE_CURRENT_LIST_DIR}/refund_decoder.cpp)
target_link_libraries(setia_pos_decoders PUBLIC setia_domain nlohmann_json::nlohmann_json date::date
  PRIVATE setia_warnings)
