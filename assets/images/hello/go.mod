module cnlab/hello

go 1.22
