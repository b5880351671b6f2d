# Node for the web app's build (web/) and its browser tests (tests/ui/).
#
# bc_require_node(): finds node >= 20 and npm, or stops the configure step
# saying what to install. The machine's Node comes from NodeSource (Node 20
# with npm); Debian 12's nodejs is 18, too old for Vite 8, so scripts/deps
# never installs it.
#
# bc_npm_ci(DIR): runs `npm ci` in DIR (DIR/node_modules from DIR's
# package-lock.json only) once per hash of the lock file: a stamp file named
# after the hash sits in node_modules, which `npm ci` empties first. It runs at
# configure time, so every build target can rely on node_modules; a change of
# the lock file re-runs the configure step (CMAKE_CONFIGURE_DEPENDS). Build
# trees share DIR/node_modules, so a file lock keeps two configure steps from
# installing into it at once.
function(bc_require_node)
  find_program(BC_NODE_EXECUTABLE node)
  find_program(BC_NPM_EXECUTABLE npm)
  if(NOT BC_NODE_EXECUTABLE OR NOT BC_NPM_EXECUTABLE)
    message(FATAL_ERROR
      "The web app (BACKCHANNEL_WEBAPP=ON) needs Node.js >= 20 with npm on PATH to build its front end "
      "(web/). Install Node 20 from NodeSource (Debian's nodejs package is 18, too old for Vite), "
      "then configure again; or configure with -DBACKCHANNEL_WEBAPP=OFF to build without the web app.")
  endif()
  execute_process(COMMAND ${BC_NODE_EXECUTABLE} --version OUTPUT_VARIABLE version
                  OUTPUT_STRIP_TRAILING_WHITESPACE RESULT_VARIABLE rc)
  string(REGEX MATCH "^v([0-9]+)" _ "${version}")
  if(NOT rc EQUAL 0 OR CMAKE_MATCH_1 LESS 20)
    message(FATAL_ERROR "The web app needs Node.js >= 20; ${BC_NODE_EXECUTABLE} is '${version}'. "
                        "Install Node 20 (NodeSource) or configure with -DBACKCHANNEL_WEBAPP=OFF.")
  endif()
endfunction()

function(bc_npm_ci dir)
  set(lock ${dir}/package-lock.json)
  set_property(DIRECTORY APPEND PROPERTY CMAKE_CONFIGURE_DEPENDS ${lock} ${dir}/package.json)
  file(SHA256 ${lock} hash)
  set(stamp ${dir}/node_modules/.backchannel-npm-ci-${hash})
  if(EXISTS ${stamp})
    return()
  endif()
  file(LOCK ${dir}/.npm-ci.lock GUARD FUNCTION TIMEOUT 600)
  if(EXISTS ${stamp})  # another build tree installed it while we waited
    return()
  endif()
  message(STATUS "npm ci in ${dir} (lock ${hash})")
  execute_process(COMMAND ${BC_NPM_EXECUTABLE} ci --no-audit --no-fund --loglevel=error
                  WORKING_DIRECTORY ${dir} RESULT_VARIABLE rc)
  if(NOT rc EQUAL 0)
    message(FATAL_ERROR "npm ci failed in ${dir} (exit ${rc}); the npm registry must be reachable "
                        "for the first build of a lock file")
  endif()
  file(TOUCH ${stamp})
endfunction()
