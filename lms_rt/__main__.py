from lms_rt.cli import main

main()
