// crosstalk's entry point; everything else is in the libraries.
#include "app.hpp"

int main(int argc, char** argv) { return crosstalk::cli::run(argc, argv); }
