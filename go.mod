module nasbook

go 1.26.8
