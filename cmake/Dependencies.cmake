# Every third-party package, found once. The Debian package names are in
# deploy/services.sh (setia_install_deps); the lines here are the ones
# verified on Debian 12 (libpaho-mqttpp-dev needs libpaho-mqtt-dev and libssl-dev
# named too; SOCI 4.0.3 ships no CMake config, hence the find_library below).
find_package(Threads REQUIRED)
find_package(PahoMqttCpp 1.2 CONFIG REQUIRED)     # PahoMqttCpp::paho-mqttpp3
find_package(yaml-cpp 0.7 CONFIG REQUIRED)        # target `yaml-cpp`
find_package(spdlog 1.10 CONFIG REQUIRED)         # spdlog::spdlog
find_package(fmt CONFIG REQUIRED)                 # fmt::fmt
find_package(nlohmann_json 3.11 CONFIG REQUIRED)  # nlohmann_json::nlohmann_json
# Time zones (libstdc++ 12 has no std::chrono::locate_zone); date::date-tz
# reads the OS tz database (Debian libhowardhinnant-date-dev + tzdata).
find_package(date CONFIG REQUIRED)                # date::date-tz
find_package(PostgreSQL REQUIRED)                 # PostgreSQL::PostgreSQL (libpq)
find_package(CURL REQUIRED)                       # CURL::libcurl (FCM over HTTPS)
find_package(OpenSSL 3 REQUIRED)                  # OpenSSL::Crypto (the OAuth2 JWT's RS256)
find_package(PNG REQUIRED)                        # PNG::PNG (QR codes as PNG)
find_package(PkgConfig REQUIRED)
pkg_check_modules(SYSTEMD REQUIRED IMPORTED_TARGET libsystemd)   # PkgConfig::SYSTEMD
pkg_check_modules(QRENCODE REQUIRED IMPORTED_TARGET libqrencode>=4.1)  # PkgConfig::QRENCODE
pkg_check_modules(SODIUM REQUIRED IMPORTED_TARGET libsodium>=1.0.18)   # PkgConfig::SODIUM (argon2id, tokens)
pkg_check_modules(MOSQUITTO REQUIRED IMPORTED_TARGET libmosquitto>=2.0)  # PkgConfig::MOSQUITTO (setiad's answers)
# Beast and Asio (the REST server) are header-only: Boost::headers. Boost
# 1.74 has no Boost.JSON; JSON is nlohmann_json everywhere.
find_package(Boost 1.74 CONFIG REQUIRED)          # Boost::headers

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
