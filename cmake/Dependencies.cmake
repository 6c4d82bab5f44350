# Every third-party package, found once. The Debian package names are in
# deploy/services.sh (setia_install_deps); the lines here are the ones
# verified in ../shared/notes/tech-facts.md §0.
find_package(Threads REQUIRED)
find_package(PahoMqttCpp 1.2 CONFIG REQUIRED)     # PahoMqttCpp::paho-mqttpp3
find_package(yaml-cpp 0.7 CONFIG REQUIRED)        # target `yaml-cpp`
find_package(spdlog 1.10 CONFIG REQUIRED)         # spdlog::spdlog
find_package(fmt CONFIG REQUIRED)                 # fmt::fmt
find_package(nlohmann_json 3.11 CONFIG REQUIRED)  # nlohmann_json::nlohmann_json
find_package(PostgreSQL REQUIRED)                 # PostgreSQL::PostgreSQL (libpq)
find_package(PkgConfig REQUIRED)
pkg_check_modules(SYSTEMD REQUIRED IMPORTED_TARGET libsystemd)   # PkgConfig::SYSTEMD

# SOCI 4.0.3 ships neither a CMake config nor a .pc file.
find_path(SOCI_INCLUDE_DIR soci/soci.h REQUIRED)
find_library(SOCI_CORE_LIBRARY soci_core REQUIRED)
find_library(SOCI_PG_LIBRARY soci_postgresql REQUIRED)
add_library(soci_pg INTERFACE)
add_library(SOCI::postgresql ALIAS soci_pg)
target_include_directories(soci_pg SYSTEM INTERFACE ${SOCI_INCLUDE_DIR})
target_link_libraries(soci_pg INTERFACE ${SOCI_PG_LIBRARY} ${SOCI_CORE_LIBRARY}
  PostgreSQL::PostgreSQL ${CMAKE_DL_LIBS})

find_package(GTest 1.12 CONFIG REQUIRED)
include(GoogleTest)
